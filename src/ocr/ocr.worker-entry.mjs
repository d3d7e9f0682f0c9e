// Worker threads do not inherit a TypeScript loader under every runner (vitest, plain node): register tsx,
// then load the TypeScript worker. Under `tsx` the loader is already active and registering again is harmless.
import { register } from 'tsx/esm/api';

register();
await import('./ocr.worker.ts');
