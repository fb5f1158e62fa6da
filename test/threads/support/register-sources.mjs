/** `node --import` this: installs `source-hooks.mjs` (see there). */
import { register } from 'node:module';

register(new URL('./source-hooks.mjs', import.meta.url));
