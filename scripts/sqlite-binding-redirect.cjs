// Preloaded (NODE_OPTIONS=--require) into every process and worker thread of the test run on a second Node: loads
// better-sqlite3's native module from a copy built for that Node instead of node_modules/better-sqlite3/build, which
// stays built for the machine's Node. Swapping the file in node_modules instead would break any other process using
// the tree meanwhile, and a run killed halfway would leave it swapped.
'use strict';
const path = process.getBuiltinModule('node:path');

const binding = process.env.OPENCLAW_TEST_SQLITE_BINDING;
const abi = process.env.OPENCLAW_TEST_SQLITE_ABI;
// Only a process of the Node the copy was built for is redirected; a child started on another Node keeps its own.
if (binding && abi === process.versions.modules) {
  const suffix = path.join('better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
  const dlopen = process.dlopen;
  process.dlopen = function (module, filename, ...rest) {
    return dlopen.call(this, module, String(filename).endsWith(suffix) ? binding : filename, ...rest);
  };
}
