// vitest setup file: every test file starts at KAIKU_CLOCK's instant when the run sets it.
import { applyRunClock } from './run-clock.ts';

applyRunClock();
