import { ValidationFailedError } from '../../../common/errors/validation';
import { StoreMemoryEnvelopeDto } from './store-memory.dto';
import { StoreMemoryPipe } from './store-memory.pipe';

describe(StoreMemoryPipe.name, () => {
  const pipe = new StoreMemoryPipe();

  const fieldsOf = async (body: unknown): Promise<string[]> => {
    const error: unknown = await pipe.transform(body).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ValidationFailedError);
    return Object.keys((error as ValidationFailedError).fieldErrors ?? {});
  };

  it('should hand the content over as it came, not a copy, with the envelope validated', async () => {
    const content = { list: [{ a: 1 }, 'x', null], constructor: 'kept', prototype: 2 };
    const dto = await pipe.transform({ content, kind: 'note', tags: ['a'], importance: 0.4 });
    expect(dto).toBeInstanceOf(StoreMemoryEnvelopeDto);
    expect(dto.content).toBe(content);
    expect(dto.content).toEqual({ list: [{ a: 1 }, 'x', null], constructor: 'kept', prototype: 2 });
    expect(dto).toMatchObject({ kind: 'note', tags: ['a'], importance: 0.4 });
  });

  it('should leave a missing content to the service', async () => {
    const dto = await pipe.transform({ kind: 'note' });
    expect(dto.content).toBeUndefined();
  });

  it('should name every invalid or unknown field of the envelope', async () => {
    await expect(
      fieldsOf({ content: 1, kind: 'Bad Kind', importance: 2, pinned: 'yes', extra: true }),
    ).resolves.toEqual(expect.arrayContaining(['kind', 'importance', 'pinned', 'extra']));
  });

  it('should refuse a body that is not an object', async () => {
    for (const body of [[1, 2], 'text', 42]) {
      await expect(pipe.transform(body)).rejects.toBeInstanceOf(ValidationFailedError);
    }
  });
});
