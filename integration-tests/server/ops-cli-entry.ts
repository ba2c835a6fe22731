// Runs the replikit-server CLI from source: `node --import tsx integration-tests/server/ops-cli-entry.ts [args]`.
import { main } from '../../packages/server/src/cli';

void main(process.argv.slice(2));
