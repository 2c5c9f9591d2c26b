// npm run backfill:card-index -- [--table NAME --region REGION] [--page-size N] [--again]
// Gives the cards registered before the distributors' card list existed (issue 19) their place in it (gsi5),
// so that GET /v1/cards lists them. Resumable and idempotent: see decision 0024 and docs/runbook.md.
import { debugHelp, parseCommandLine, runScript, UsageError } from './cli.ts';
import { targetHelp, targetOptions, useTarget } from './target.ts';

const script = 'backfill:card-index';
const usage = `Usage: npm run backfill:card-index [-- --table NAME [--region REGION]] [--page-size N] [--again]

Reads the table page by page and gives every card without a place in its distributor's card list (index
gsi5, GET /v1/cards) that place; a card changed meanwhile keeps what its own write set. After each page
the position is recorded in the table (item MIGRATION#card-index-gsi5): run the same command again after
an interruption and it carries on from there; once finished it does nothing. Throttled or failed calls
are tried again after a growing wait. npm start runs it by itself on a persisted data folder.
Exits 0 when the whole table has been read, 1 on an error (run again to resume), 2 when there is no
service or table.

Options:
  -h, --help        show this text
  --page-size N     items read per page (1-1000, default 500): what is held in memory at once
  --again           read the whole table again even if a run has finished (changes nothing that is right)
${targetHelp({ bucket: false })}
${debugHelp}

Examples:
  npm run backfill:card-index                                          # the service npm start runs
  npm run backfill:card-index -- --table kaiku-prod --region eu-north-1     # a deployed table
`;

const cards = (count: number) => (count === 1 ? '1 card' : `${count} cards`);

await runScript(script, async () => {
  const { values } = parseCommandLine(script, usage, {
    table: targetOptions.table,
    region: targetOptions.region,
    'page-size': { type: 'string' },
    again: { type: 'boolean' },
  });
  const pageSize = values['page-size'] === undefined ? 500 : Number(values['page-size']);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000)
    throw new UsageError(
      script,
      `--page-size must be a whole number from 1 to 1000, not '${values['page-size']}'`,
    );
  const target = await useTarget(script, values);
  const { backfillCardIndex } = await import('../shared/store/card-index-backfill.ts');
  const { defaultBackoff } = await import('../shared/store/backoff.ts');
  const result = await backfillCardIndex({
    pageSize,
    again: values.again === true,
    backoff: {
      ...defaultBackoff,
      onWait: (waitMs, error) =>
        console.log(`  ${error instanceof Error ? error.name : 'failed'}: trying again in ${waitMs} ms`),
    },
    onPage: (record) => {
      if (record.totals.pages % 20 === 0 || record.finishedAt)
        console.log(
          `  ${record.totals.pages} pages, ${record.totals.scanned} items read, ${cards(record.totals.changed)} added`,
        );
    },
  });
  const { record, run } = result;
  if (result.status === 'already-finished') {
    console.log(
      `The card list index of ${target} was backfilled at ${record.finishedAt} ` +
        `(${cards(record.totals.changed)} added): nothing to do. --again reads the table again.`,
    );
    return;
  }
  if (result.resumedFrom) console.log(`Carried on from an interrupted run of ${record.startedAt}.`);
  console.log(
    `Backfilled the card list index of ${target}: ${run.scanned} items read in ${run.pages === 1 ? '1 page' : `${run.pages} pages`}, ` +
      `${cards(run.changed)} added, ${run.changedMeanwhile} changed meanwhile (kept as written), ` +
      `${run.skipped} left out (gone, or without issuer or validity).` +
      (result.resumedFrom
        ? ` With the interrupted run: ${record.totals.scanned} items read, ${cards(record.totals.changed)} added.`
        : ''),
  );
});
