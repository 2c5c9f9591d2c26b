// Where the card works: a venue's profile (PUT/GET /v1/organisations/{orgId}/profile), the area admin's
// hiding (PATCH /v1/organisations/{orgId}), and the public directory (GET /v1/venues), over HTTP.
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient } from '../../shared/store/client.ts';
import { areaKey, venueProfileKey } from '../../shared/store/keys.ts';
import { registerOrganisation } from '../../shared/use-cases/register-organisation.ts';
import {
  expectError,
  getItem,
  startTestService,
  type TestArea,
  type TestService,
} from '../support/service.ts';

let service: TestService;
let area: TestArea;
let other: TestArea;
beforeAll(async () => {
  service = await startTestService();
  area = await service.area();
  other = await service.area();
});
afterAll(() => service?.stop());

/** Each test's venues get a word of their own, so that a search finds only them. */
let runs = 0;
const uniqueWord = () => `zq${Date.now().toString(36)}${runs++}`;

/** A venue of the area in a municipality (test areas have none of their own: the code is only listed). */
async function newVenue(inArea: TestArea, name: string, municipalityCode = '091') {
  const { organisation, apiKey } = await registerOrganisation({
    kind: 'venue',
    name,
    areaId: inArea.areaId,
    municipalityCode,
    contactEmail: 'desk@example.org',
  });
  return { venueId: organisation.orgId, key: apiKey };
}

const profile = (word: string, fields: Record<string, unknown> = {}) => ({
  published: true,
  sectors: ['culture', 'sport'],
  offer: { fi: `Vapaa pääsy ${word}`, sv: `Fritt inträde ${word}`, en: `Free entry ${word}` },
  address: 'Mannerheimintie 1',
  postalCode: '00100',
  website: 'https://example.org/venue',
  accessibility: { fi: 'Esteetön sisäänkäynti', sv: 'Tillgänglig ingång' },
  ...fields,
});

/** The public list, without a key, every page followed. */
async function directory(query: Record<string, string>) {
  const names: string[] = [];
  let cursor: string | undefined;
  do {
    const params = new URLSearchParams({ ...query, ...(cursor && { cursor }) });
    const reply = await service.call('GET', `/v1/venues?${params}`);
    expect(reply.status).toBe(200);
    expect(reply.headers.get('cache-control')).toBe('public, max-age=300');
    names.push(...reply.body.items.map((item: any) => item.name));
    cursor = reply.body.nextCursor;
  } while (cursor);
  return names;
}

describe('a venue’s public profile', () => {
  it('published by the venue, it is listed by municipality, sector and words of its texts, to anyone', async () => {
    const word = uniqueWord();
    const venue = await newVenue(area, `Kulttuuritalo ${word}`, '091');
    const before = await service.call('GET', `/v1/organisations/${venue.venueId}/profile`, {
      key: venue.key,
    });
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({
      venueId: venue.venueId,
      published: false,
      listed: false,
      sectors: [],
    });

    const saved = await service.call('PUT', `/v1/organisations/${venue.venueId}/profile`, {
      key: venue.key,
      body: profile(word),
    });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({
      published: true,
      listed: true,
      hiddenByArea: false,
      municipalityCode: '091',
    });

    const reply = await service.call('GET', `/v1/venues?municipality=091&sector=culture&q=${word}`);
    expect(reply.status).toBe(200);
    const { published: _published, ...publicFields } = profile(word);
    expect(reply.body.items).toEqual([
      {
        venueId: venue.venueId,
        name: `Kulttuuritalo ${word}`,
        municipalityCode: '091',
        areaId: area.areaId,
        ...publicFields,
      },
    ]);
    expect(await directory({ q: word })).toEqual([`Kulttuuritalo ${word}`]);
    expect(await directory({ sector: 'sport', q: word })).toEqual([`Kulttuuritalo ${word}`]);
    // The municipality's name is searchable too, and words match in any case and order.
    expect(await directory({ q: `HELSINKI ${word.toUpperCase()}` })).toEqual([`Kulttuuritalo ${word}`]);
    expect(await directory({ sector: 'science', q: word })).toEqual([]);
    expect(await directory({ municipality: '049', q: word })).toEqual([]);
    expect(await directory({ q: `${word} puuttuva` })).toEqual([]);
  });

  it('an unpublished profile is not listed; publishing lists it, withdrawing takes it out', async () => {
    const word = uniqueWord();
    const venue = await newVenue(area, `Uimahalli ${word}`);
    const put = (published: boolean) =>
      service.call('PUT', `/v1/organisations/${venue.venueId}/profile`, {
        key: venue.key,
        body: profile(word, { published, sectors: ['sport'] }),
      });
    expect((await put(false)).body.listed).toBe(false);
    expect(await directory({ q: word })).toEqual([]);
    expect((await put(true)).body.listed).toBe(true);
    expect(await directory({ sector: 'sport', q: word })).toEqual([`Uimahalli ${word}`]);
    // A sector dropped is a sector no longer listed.
    const changed = await service.call('PUT', `/v1/organisations/${venue.venueId}/profile`, {
      key: venue.key,
      body: profile(word, { sectors: ['education'] }),
    });
    expect(changed.status).toBe(200);
    expect(await directory({ sector: 'sport', q: word })).toEqual([]);
    expect(await directory({ sector: 'education', q: word })).toEqual([`Uimahalli ${word}`]);
    expect((await put(false)).status).toBe(200);
    expect(await directory({ q: word })).toEqual([]);
  });

  it('the area admin hides it: gone from the page, and the venue cannot publish it back; unhidden, it returns', async () => {
    const word = uniqueWord();
    const venue = await newVenue(area, `Teatteri ${word}`);
    await service.call('PUT', `/v1/organisations/${venue.venueId}/profile`, {
      key: venue.key,
      body: profile(word),
    });
    expect(await directory({ q: word })).toEqual([`Teatteri ${word}`]);

    const hidden = await service.call('PATCH', `/v1/organisations/${venue.venueId}`, {
      key: area.areaAdminKey,
      body: { hiddenFromDirectory: true },
    });
    expect(hidden.status).toBe(200);
    expect(hidden.body.hiddenFromDirectory).toBe(true);
    expect(await directory({ q: word })).toEqual([]);
    expect(await directory({ municipality: '091', sector: 'culture', q: word })).toEqual([]);
    const seen = await service.call('GET', `/v1/organisations/${venue.venueId}/profile`, { key: venue.key });
    expect(seen.body).toMatchObject({ published: true, hiddenByArea: true, listed: false });
    const again = await service.call('PUT', `/v1/organisations/${venue.venueId}/profile`, {
      key: venue.key,
      body: profile(word, { offer: { fi: `Uusi tarjous ${word}` } }),
    });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ hiddenByArea: true, listed: false });
    expect(await directory({ q: word })).toEqual([]);
    // The hiding is the area's: it is in the audit log.
    const audit = await service.call('GET', '/v1/audit', { key: area.areaAdminKey });
    expect(audit.body.items.map((entry: any) => [entry.action, entry.target])).toEqual(
      expect.arrayContaining([
        ['organisation.updated', `organisation/${venue.venueId}`],
        ['profile.updated', `organisation/${venue.venueId}`],
      ]),
    );

    await service.call('PATCH', `/v1/organisations/${venue.venueId}`, {
      key: area.areaAdminKey,
      body: { hiddenFromDirectory: false },
    });
    const listed = await service.call('GET', `/v1/venues?q=${word}`);
    expect(listed.body.items).toHaveLength(1);
    expect(listed.body.items[0].offer).toEqual({ fi: `Uusi tarjous ${word}` });
  });

  it('follows the venue: a new name is listed, a deactivated venue is not, reactivated it is again', async () => {
    const word = uniqueWord();
    const venue = await newVenue(area, `Museo ${word}`);
    await service.call('PUT', `/v1/organisations/${venue.venueId}/profile`, {
      key: venue.key,
      body: profile(word),
    });
    const patch = (body: Record<string, unknown>) =>
      service.call('PATCH', `/v1/organisations/${venue.venueId}`, { key: area.areaAdminKey, body });
    expect((await patch({ name: `Taidemuseo ${word}` })).status).toBe(200);
    expect(await directory({ q: word })).toEqual([`Taidemuseo ${word}`]);
    expect(await directory({ municipality: '091', sector: 'sport', q: word })).toEqual([
      `Taidemuseo ${word}`,
    ]);
    expect((await patch({ status: 'inactive' })).status).toBe(200);
    expect(await directory({ q: word })).toEqual([]);
    expect((await patch({ status: 'active' })).status).toBe(200);
    expect(await directory({ q: word })).toEqual([`Taidemuseo ${word}`]);
  });

  it('lists by name, in pages that follow each other with no venue twice or missed', async () => {
    const word = uniqueWord();
    const names = ['Cirkus', 'Akvaario', 'Bändikoulu', 'Elokuvateatteri', 'Diskoteekki'].map(
      (name) => `${name} ${word}`,
    );
    for (const name of names) {
      const venue = await newVenue(area, name, '049');
      await service.call('PUT', `/v1/organisations/${venue.venueId}/profile`, {
        key: venue.key,
        body: profile(word),
      });
    }
    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const reply = await service.call(
        'GET',
        `/v1/venues?municipality=049&q=${word}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(reply.status).toBe(200);
      pages.push(reply.body.items.map((item: any) => item.name));
      cursor = reply.body.nextCursor;
    } while (cursor);
    expect(pages.flat()).toEqual([...names].sort((a, b) => a.localeCompare(b, 'fi')));
    expect(pages.every((page) => page.length <= 2)).toBe(true);
    expectError(await service.call('GET', '/v1/venues?cursor=not-a-cursor'), 400, 'VALIDATION_FAILED');
  });

  it('leaves out the venues of an area that is not active', async () => {
    const word = uniqueWord();
    const stopping = await service.area();
    const venue = await newVenue(stopping, `Kirjasto ${word}`);
    await service.call('PUT', `/v1/organisations/${venue.venueId}/profile`, {
      key: venue.key,
      body: profile(word),
    });
    expect(await directory({ q: word })).toEqual([`Kirjasto ${word}`]);
    await documentClient().send(
      new UpdateCommand({
        TableName: process.env.TABLE_NAME,
        Key: areaKey(stopping.areaId),
        UpdateExpression: 'SET #status = :inactive',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':inactive': 'inactive' },
      }),
    );
    expect(await directory({ q: word })).toEqual([]);
  });
});

describe('refusals', () => {
  it('refuses bad profiles with 400 naming the field, and changes nothing', async () => {
    const word = uniqueWord();
    const venue = await newVenue(area, `Kuoro ${word}`);
    const first = await service.call('PUT', `/v1/organisations/${venue.venueId}/profile`, {
      key: venue.key,
      body: profile(word),
    });
    expect(first.status).toBe(200);
    const stored = await getItem(venueProfileKey(venue.venueId));
    const cases: [Record<string, unknown>, string, string][] = [
      [{ website: 'http://example.org' }, 'website', 'VALIDATION_FAILED'],
      [{ website: 'javascript:alert(1)' }, 'website', 'VALIDATION_FAILED'],
      [{ website: 'https://user:pw@example.org' }, 'website', 'VALIDATION_FAILED'],
      [{ offer: { fi: 'x'.repeat(1001) } }, 'offer.fi', 'VALIDATION_FAILED'],
      [{ offer: { fi: 'ok', sv: 'y'.repeat(1001) } }, 'offer.sv', 'VALIDATION_FAILED'],
      [{ offer: { fi: '' } }, 'offer.fi', 'VALIDATION_FAILED'],
      [{ offer: { fi: 'Soita 010190-123F' } }, 'offer.fi', 'PERSONAL_DATA_NOT_ALLOWED'],
      [{ address: 'Katu 1 \u202Egnp' }, 'address', 'VALIDATION_FAILED'],
      [{ accessibility: { fi: 'Hissi\n2. krs' } }, 'accessibility.fi', 'VALIDATION_FAILED'],
      [{ sectors: [] }, 'sectors', 'VALIDATION_FAILED'],
      [{ sectors: ['cinema'] }, 'sectors[0]', 'VALIDATION_FAILED'],
      [{ postalCode: '123' }, 'postalCode', 'VALIDATION_FAILED'],
      [{ hiddenByArea: false }, 'hiddenByArea', 'VALIDATION_FAILED'],
    ];
    for (const [fields, field, code] of cases) {
      const reply = await service.call('PUT', `/v1/organisations/${venue.venueId}/profile`, {
        key: venue.key,
        body: profile(word, fields),
      });
      expectError(reply, 400, code);
      expect(reply.body.error.details.map((detail: any) => detail.field)).toContain(field);
    }
    expect(await getItem(venueProfileKey(venue.venueId))).toEqual(stored);
    expectError(await service.call('GET', '/v1/venues?municipality=Helsinki'), 400, 'VALIDATION_FAILED');
  });

  it('a venue writes only its own profile; an area admin only its area’s; others are refused and change nothing', async () => {
    const word = uniqueWord();
    const venue = await newVenue(area, `Galleria ${word}`);
    const otherVenue = await newVenue(area, `Toinen ${word}`);
    const put = (key: string) =>
      service.call('PUT', `/v1/organisations/${venue.venueId}/profile`, { key, body: profile(word) });
    expectError(await put(otherVenue.key), 404, 'NOT_FOUND');
    expectError(await put(other.areaAdminKey), 404, 'NOT_FOUND');
    expectError(await put(area.distributorKey), 403, 'FORBIDDEN');
    expect(await getItem(venueProfileKey(venue.venueId))).toBeUndefined();
    // The area's admin and the national centre may write it (a venue without anyone at a computer).
    expect((await put(area.areaAdminKey)).status).toBe(200);
    expect((await put(service.adminKey)).status).toBe(200);
    // Only a venue has a profile, and only a venue is hidden.
    expectError(
      await service.call('PUT', `/v1/organisations/${area.distributorId}/profile`, {
        key: area.areaAdminKey,
        body: profile(word),
      }),
      404,
      'NOT_FOUND',
    );
    expectError(
      await service.call('PATCH', `/v1/organisations/${area.distributorId}`, {
        key: area.areaAdminKey,
        body: { hiddenFromDirectory: true },
      }),
      400,
      'VALIDATION_FAILED',
    );
    // A venue cannot hide or unhide itself (PATCH is the area's).
    expectError(
      await service.call('PATCH', `/v1/organisations/${venue.venueId}`, {
        key: venue.key,
        body: { hiddenFromDirectory: false },
      }),
      403,
      'FORBIDDEN',
    );
  });
});
