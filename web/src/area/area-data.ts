// An area, its organisations and the municipality names, as the area pages read them.
import { api, type Schema } from '../api.ts';
import type { Municipality } from '../pages/municipality-picker.tsx';

export type Area = Schema<'Area'>;
export type Organisation = Schema<'Organisation'>;
export type ApiKeyListed = Schema<'ApiKey'>;

export const getArea = (areaId: string) => api('GET', '/v1/areas/{areaId}', { path: { areaId } });

export const listOrganisations = (areaId: string) =>
  api('GET', '/v1/areas/{areaId}/organisations', { path: { areaId }, query: { limit: '500' } });

let names: Promise<Map<string, Municipality>> | undefined;

/** The municipalities by code (GET /v1/municipalities), read once per page load. */
export function municipalitiesByCode(): Promise<Map<string, Municipality>> {
  names ??= api('GET', '/v1/municipalities', { anonymous: true }).then(
    ({ items }) => new Map(items.map((item) => [item.code, item])),
    (error: unknown) => {
      names = undefined;
      throw error;
    },
  );
  return names;
}
