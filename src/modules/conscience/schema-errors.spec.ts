import type { ErrorObject } from 'ajv';
import { schemaFieldErrors } from './schema-errors';

const notAllowed = (property: string): ErrorObject => ({
  keyword: 'additionalProperties',
  instancePath: '',
  schemaPath: '#/additionalProperties',
  params: { additionalProperty: property },
  message: 'must NOT have additional properties',
});

describe(schemaFieldErrors.name, () => {
  it.each(['constructor', 'toString', 'hasOwnProperty', 'valueOf', '__proto__'])(
    'should report a property named %s like any other',
    (name) => {
      const errors = schemaFieldErrors([notAllowed(name), notAllowed(name)], 'body');
      expect(Object.entries(errors)).toEqual([[name, ['is not allowed']]]);
      expect(JSON.parse(JSON.stringify(errors))).toEqual(
        JSON.parse(`{${JSON.stringify(name)}:["is not allowed"]}`),
      );
    },
  );
});
