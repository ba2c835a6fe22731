import { packageBuildConfig } from '../../tsup.config.base';

// tsup reads its config file's default export: the one default export in the repo.
export default packageBuildConfig();
