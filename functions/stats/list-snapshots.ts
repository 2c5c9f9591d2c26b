import type { pageQuery } from '../../shared/contract/schemas.ts';
import { httpHandler, json } from '../../shared/http/handler.ts';
import { decodeCursor, encodeCursor } from '../../shared/lib/cursor.ts';
import type { Infer } from '../../shared/lib/schema.ts';
import { listSnapshotRecords } from '../../shared/store/stats.ts';

export const handler = httpHandler<unknown, Infer<typeof pageQuery>>(
  'GET /v1/stats/snapshots',
  async ({ query }) => {
    const page = await listSnapshotRecords(query.limit ?? 50, decodeCursor(query.cursor)?.key);
    const nextCursor = encodeCursor(page.next);
    return json(200, {
      items: page.items.map(({ date, createdAt }) => ({ date, createdAt })),
      ...(nextCursor && { nextCursor }),
    });
  },
);
