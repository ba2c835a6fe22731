import { packageBuildConfig } from '../../tsup.config.base';

// tsup reads its config file's default export: the one default export in the repo.
// shims: the ESM build gets `__filename` (config-binding-server loads @replikit/storage-lmdb on demand)
export default packageBuildConfig({ shims: true });
