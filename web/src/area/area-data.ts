// An area, its organisations and the municipality names, as the area pages read them.
import { api } from '../api.ts';
import type { Municipality } from '../pages/municipality-picker.tsx';

export interface Area {
  readonly id: string;
  readonly name: string;
  readonly municipalityCodes: readonly string[];
  readonly welfareArea: string;
  readonly status: string;
}

export interface Organisation {
  readonly id: string;
  readonly kind: 'distributor' | 'venue' | 'area-admin' | 'ticket-agent' | 'partner' | 'admin';
  readonly name: string;
  readonly status: 'active' | 'inactive';
  readonly municipalityCode?: string;
  readonly contactEmail?: string;
  readonly cardLimitPerDay?: number;
  readonly createdAt: string;
}

export interface ApiKeyListed {
  readonly keyId: string;
  readonly role: string;
  readonly createdAt: string;
  readonly lastUsedAt?: string;
  readonly revokedAt?: string;
}

export const getArea = (areaId: string) => api<Area>('GET', `/areas/${encodeURIComponent(areaId)}`);

export const listOrganisations = (areaId: string) =>
  api<{ items: Organisation[] }>('GET', `/areas/${encodeURIComponent(areaId)}/organisations`, {
    query: { limit: 500 },
  });

let names: Promise<Map<string, Municipality>> | undefined;

/** The municipalities by code (GET /v1/municipalities), read once per page load. */
export function municipalitiesByCode(): Promise<Map<string, Municipality>> {
  names ??= api<{ items: Municipality[] }>('GET', '/municipalities', { anonymous: true }).then(
    ({ items }) => new Map(items.map((item) => [item.code, item])),
    (error: unknown) => {
      names = undefined;
      throw error;
    },
  );
  return names;
}
