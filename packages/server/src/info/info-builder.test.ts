import { DEFAULT_INFO_SECTIONS, selectInfoSections } from './info-builder';
import { bytesToHuman } from './info-sections';

describe('INFO section selection (genInfoSectionDict)', () => {
  it('defaults, all, everything, case-insensitive names', () => {
    expect([...selectInfoSections([]).sections]).toEqual(DEFAULT_INFO_SECTIONS);
    expect(selectInfoSections(['all']).all).toBe(true);
    expect(selectInfoSections(['EVERYTHING']).all).toBe(true);
    expect([...selectInfoSections(['Server', 'keyspace', 'server']).sections]).toEqual(['server', 'keyspace']);
    expect(selectInfoSections(['default', 'commandstats']).sections.has('commandstats')).toBe(true);
  });
  it('bytesToHuman like Redis', () => {
    expect(bytesToHuman(1000)).toBe('1000B');
    expect(bytesToHuman(1040048)).toBe('1015.67K');
    expect(bytesToHuman(12582912)).toBe('12.00M');
    expect(bytesToHuman(25276514304)).toBe('23.54G');
  });
});
