// npm run admin -- create-admin-key [--table NAME] [--region REGION]
// Creates a national admin key in a deployed table with the operator's own AWS credentials (the usual
// AWS_PROFILE / environment). The key is printed once; only its hash is stored.
import { parseArgs } from 'node:util';
import { createAdminKey } from '../shared/national-centre.ts';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { table: { type: 'string' }, region: { type: 'string' } },
});

if (positionals[0] !== 'create-admin-key') {
  console.error('usage: npm run admin -- create-admin-key [--table NAME] [--region REGION]');
  process.exit(2);
}
if (values.table) process.env.TABLE_NAME = values.table;
if (values.region) process.env.AWS_REGION = values.region;
if (!process.env.TABLE_NAME) {
  console.error('Name the table: --table <name> (the DataStack output TableName) or TABLE_NAME.');
  process.exit(2);
}
const { keyId, apiKey } = await createAdminKey();
console.log(
  `Admin key ${keyId} created in table ${process.env.TABLE_NAME}. Store it now; it is not shown again:`,
);
console.log(apiKey);
