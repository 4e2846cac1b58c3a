import { readFileSync } from 'node:fs';
import { comparisonTable } from './src/report/comparison-exporters.js';
process.stdout.write(comparisonTable(JSON.parse(readFileSync(process.argv[2] as string, 'utf8'))));
