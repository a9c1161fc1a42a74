import { contextField } from './async-context';

describe(contextField.name, () => {
  const component = contextField<string>('component');
  const request = contextField<{ id: string }>('request');
  const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

  it('should keep each field through awaits, timers and promise chains', async () => {
    const seen: Array<[string | undefined, string | undefined]> = [];
    const look = () => seen.push([component.get(), request.get()?.id]);
    await request.run({ id: 'r1' }, async () => {
      look();
      await component.run('memory', async () => {
        await tick();
        look();
        setTimeout(look, 0);
        await tick();
      });
      look();
    });
    look();
    expect(seen).toEqual([
      [undefined, 'r1'],
      ['memory', 'r1'],
      ['memory', 'r1'],
      [undefined, 'r1'],
      [undefined, undefined],
    ]);
  });

  it('should set one field without touching the other, and restore both after', async () => {
    const results = await component.run('world', () =>
      Promise.all(
        ['a', 'b'].map((id) =>
          request.run({ id }, async () => {
            await tick();
            const inner = await component.run('conscience', async () => {
              await tick();
              return `${component.get()}/${request.get()?.id}`;
            });
            return [inner, `${component.get()}/${request.get()?.id}`];
          }),
        ),
      ),
    );
    expect(results).toEqual([
      ['conscience/a', 'world/a'],
      ['conscience/b', 'world/b'],
    ]);
    expect([component.get(), request.get()]).toEqual([undefined, undefined]);
  });
});
