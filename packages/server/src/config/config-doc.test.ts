import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderConfigurationDoc } from './config-doc';

it('docs/configuration.md is generated from the directive table and up to date', () => {
  const onDisk = readFileSync(join(__dirname, '../../../../docs/configuration.md'), 'utf8');
  expect(onDisk).toBe(renderConfigurationDoc());
});
