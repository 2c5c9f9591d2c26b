import { join } from 'node:path';

/** The repository root: route handler paths in shared/http/routes.ts are relative to it. */
export const projectRoot = join(import.meta.dirname, '..');
