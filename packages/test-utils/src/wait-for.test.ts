import { waitFor } from './wait-for';

describe('waitFor', () => {
  it('resolves with the first truthy value, retrying falsy values and throws', async () => {
    let calls = 0;
    const got = await waitFor('the third call', () => {
      calls++;
      if (calls === 1) throw new Error('not yet');
      return calls >= 3 ? { calls } : false;
    });
    expect(got).toEqual({ calls: 3 });
  });

  it('rejects naming what it waited for and the last value seen', async () => {
    await expect(waitFor('a flag that never rises', () => 0, 120)).rejects.toThrow('timed out waiting for a flag that never rises (last: 0)');
  });
});
