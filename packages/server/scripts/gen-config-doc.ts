import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderConfigurationDoc } from '../src/config/config-doc';

writeFileSync(join(__dirname, '../../../docs/configuration.md'), renderConfigurationDoc());
console.log('wrote docs/configuration.md');
