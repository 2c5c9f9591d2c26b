// GET /v1/municipalities (no key): every municipality of the classification, for application forms, with
// the area it has joined.
import { municipalities } from '../../shared/domain/codes.ts';
import { httpHandler, json } from '../../shared/http/handler.ts';
import { areasOfMunicipalities } from '../../shared/store/municipalities.ts';

const codes = Object.keys(municipalities).sort();

export const handler = httpHandler('GET /v1/municipalities', async () => {
  const joined = await areasOfMunicipalities(codes);
  const items = codes.map((code) => {
    const { name, nameSv, welfareArea } = municipalities[code]!;
    const areaId = joined.get(code);
    return { code, nameFi: name, nameSv, welfareArea, ...(areaId && { areaId }) };
  });
  return json(200, { items });
});
