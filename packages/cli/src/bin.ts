#!/usr/bin/env node
// The `troupe` command. Exits when its command is done, whatever the user's module left running.
import { main } from './main.js';

process.exit(await main(process.argv));
