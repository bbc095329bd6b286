/** Genesys Cloud environments (the `<env>` of `login.<env>` and `api.<env>`), from the public region list. */
export const GENESYS_ENVIRONMENTS = [
  'mypurecloud.com',
  'mypurecloud.ie',
  'mypurecloud.com.au',
  'mypurecloud.jp',
  'mypurecloud.de',
  'usw2.pure.cloud',
  'cac1.pure.cloud',
  'apne2.pure.cloud',
  'euw2.pure.cloud',
  'aps1.pure.cloud',
  'use2.us-gov-pure.cloud',
  'sae1.pure.cloud',
  'mec1.pure.cloud',
  'apne3.pure.cloud',
  'euc2.pure.cloud',
  'mxc1.pure.cloud',
  'apse1.pure.cloud',
] as const;

export interface GenesysHosts {
  /** Origin of the OAuth endpoint, e.g. `https://login.mypurecloud.ie`. */
  loginBase: string;
  /** Origin of the Platform API, e.g. `https://api.mypurecloud.ie`. */
  apiBase: string;
}

export interface GenesysHostSettings {
  region?: string | undefined;
  loginBase?: string | undefined;
  apiBase?: string | undefined;
}

/**
 * Hosts from `GENESYS_REGION`, or from explicit bases (how tests point the client at the simulator). Explicit bases
 * win over the region; with only one of them, the region (or nothing) must supply the other. Throws a message that
 * names the variable at fault.
 */
export function resolveGenesysHosts(settings: GenesysHostSettings): GenesysHosts {
  const region = settings.region?.trim() || undefined;
  if (region !== undefined && !(GENESYS_ENVIRONMENTS as readonly string[]).includes(region)) {
    throw new Error(`GENESYS_REGION must be one of ${GENESYS_ENVIRONMENTS.join(', ')}; got "${region}"`);
  }
  const loginBase = origin('GENESYS_LOGIN_BASE', settings.loginBase) ?? (region ? `https://login.${region}` : undefined);
  const apiBase = origin('GENESYS_API_BASE', settings.apiBase) ?? (region ? `https://api.${region}` : undefined);
  if (!loginBase || !apiBase) {
    const missing = [loginBase ? null : 'GENESYS_LOGIN_BASE', apiBase ? null : 'GENESYS_API_BASE'].filter(Boolean).join(' and ');
    throw new Error(`GENESYS_REGION is not set, so ${missing} must be (e.g. GENESYS_REGION=mypurecloud.ie)`);
  }
  return { loginBase, apiBase };
}

function origin(name: string, value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  if (!trimmed) return undefined;
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw new Error(`${name} must be an http(s) URL such as https://api.mypurecloud.ie; got "${trimmed}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(`${name} must use https:// (or http:// for a local simulator); got "${url.protocol}"`);
  }
  return trimmed.replace(/\/+$/, '');
}
