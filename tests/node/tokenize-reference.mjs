// Reference tokenizer for the .NET parity tests: @huggingface/transformers (transformers.js) loading a local
// tokenizer folder. Usage: node tests/node/tokenize-reference.mjs <tokenizer-folder>
// stdin: a JSON array of strings. stdout: a JSON array with the token ids of each (special tokens added, no truncation).
import path from 'node:path';
import { AutoTokenizer, env } from '@huggingface/transformers';

const folder = path.resolve(process.argv[2]);
env.allowRemoteModels = false;
env.allowLocalModels = true;
env.localModelPath = path.dirname(folder) + path.sep;

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const texts = JSON.parse(Buffer.concat(chunks).toString('utf8'));

const tokenizer = await AutoTokenizer.from_pretrained(path.basename(folder));
const ids = texts.map((t) => Array.from(tokenizer.encode(t), Number));
process.stdout.write(JSON.stringify(ids));
