/**
 * Babel plugin for tests only. NestJS 12 ships as ES modules, which Jest on Node 20 cannot
 * `require`; tests compile those packages to CommonJS (see jest.config.js), and this plugin
 * gives the compiled code the `import.meta` members it uses (url, resolve).
 */
module.exports = function importMetaToCjs() {
  // Only globals and wrapper parameters: the module may itself declare `const require = ...`.
  const replacement =
    "({ url: new URL('file://' + __filename).href, " +
    "resolve: (s) => new URL('file://' + module.require.resolve(s)).href, " +
    'dirname: __dirname, filename: __filename })';
  return {
    visitor: {
      MetaProperty(path) {
        if (path.node.meta.name === 'import' && path.node.property.name === 'meta') {
          path.replaceWithSourceString(replacement);
        }
      },
    },
  };
};
