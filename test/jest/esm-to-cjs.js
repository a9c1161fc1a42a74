/**
 * Jest transformer for node_modules, tests only. NestJS 12 and several of its dependencies ship
 * as ES modules, which Jest on Node 20 cannot `require` (it can from Node 24.9). Files that use
 * ES module syntax or dynamic import() are compiled to CommonJS by Babel; every other file is
 * passed through untouched, so the cost is paid only where it is needed (and cached).
 */
const { createTransformer } = require('babel-jest').default;

const babel = createTransformer({
  babelrc: false,
  configFile: false,
  compact: false,
  plugins: [
    '@babel/plugin-transform-modules-commonjs',
    '@babel/plugin-transform-dynamic-import',
    require.resolve('./import-meta-to-cjs.js'),
  ],
});

const ESM_SYNTAX = /^\s*(import[\s{*'"]|export[\s{*])|\bimport\.meta\b|\bimport\(/m;

module.exports = {
  canInstrument: false,
  getCacheKey(source, path, options) {
    return `${ESM_SYNTAX.test(source) ? 'esm' : 'cjs'}:${babel.getCacheKey(source, path, options)}`;
  },
  process(source, path, options) {
    if (!ESM_SYNTAX.test(source)) {
      return { code: source };
    }
    return babel.process(source, path, options);
  },
};
