#!/usr/bin/env node
// `refinery` entry point. The CLI is TypeScript run by Node's type stripping (Node 22.18+);
// `npx refinery` and `npm run refinery` put the project's own Node 24 first on PATH.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  console.error(`refinery needs Node 22.18 or later (this is ${process.version}); run it as \`npx refinery\` or \`npm run refinery --\` inside the project, which use its Node 24.`);
  process.exit(1);
}
await import('./main.ts');
