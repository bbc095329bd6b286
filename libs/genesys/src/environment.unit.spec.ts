import { describe, expect, it } from 'vitest';
import { resolveGenesysHosts } from './environment';

describe('resolveGenesysHosts', () => {
  it('derives login and api hosts from the region', () => {
    expect(resolveGenesysHosts({ region: 'mypurecloud.ie' })).toEqual({ loginBase: 'https://login.mypurecloud.ie', apiBase: 'https://api.mypurecloud.ie' });
  });

  it('lets explicit bases win (how tests reach the simulator)', () => {
    expect(resolveGenesysHosts({ region: 'usw2.pure.cloud', loginBase: 'http://127.0.0.1:9000/', apiBase: 'http://127.0.0.1:9000' })).toEqual({
      loginBase: 'http://127.0.0.1:9000',
      apiBase: 'http://127.0.0.1:9000',
    });
  });

  it('names the variable at fault', () => {
    expect(() => resolveGenesysHosts({ region: 'mypurecloud.moon' })).toThrow(/GENESYS_REGION must be one of/);
    expect(() => resolveGenesysHosts({ loginBase: 'http://127.0.0.1:1' })).toThrow(/GENESYS_API_BASE must be/);
    expect(() => resolveGenesysHosts({ apiBase: 'ftp://x', loginBase: 'http://x' })).toThrow(/GENESYS_API_BASE must use https/);
  });
});
