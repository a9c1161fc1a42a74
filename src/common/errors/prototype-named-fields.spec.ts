import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsOptional, IsString, ValidateNested } from 'class-validator';
import { prototypeNamedFields } from './prototype-named-fields';

class InnerDto {
  @IsString()
  name!: string;
}

class OuterDto {
  @IsOptional()
  @IsString()
  toString!: never;

  @ValidateNested({ each: true })
  @Type(() => InnerDto)
  items!: InnerDto[];
}

describe(prototypeNamedFields.name, () => {
  it('should name undeclared fields called like Object.prototype members, nested ones too', () => {
    const body = JSON.parse(
      '{"constructor":1,"valueOf":2,"items":[{"name":"a","prototype":3},{"hasOwnProperty":4}]}',
    ) as unknown;
    expect(prototypeNamedFields(body, OuterDto).sort()).toEqual([
      'constructor',
      'items.0.prototype',
      'items.1.hasOwnProperty',
      'valueOf',
    ]);
  });

  it('should let a DTO declare such a name, and ignore other unknown fields', () => {
    expect(prototypeNamedFields({ toString: 'x', other: 1, items: [] }, OuterDto)).toEqual([]);
  });

  it('should ignore values that are not objects', () => {
    expect(prototypeNamedFields('constructor', OuterDto)).toEqual([]);
    expect(prototypeNamedFields(null, OuterDto)).toEqual([]);
  });
});
