import { ForgetJournal } from './forget-journal';

describe('ForgetJournal', () => {
  it('should count a taken leaf as pending until its withdrawal commits', () => {
    const journal = new ForgetJournal();
    journal.add(7);
    journal.add(3);
    expect(journal.take(10)).toEqual([3, 7]);
    expect(journal.size).toBe(0);
    expect(journal.pending).toBe(2);
    journal.settle([3, 7]);
    expect(journal.pending).toBe(0);
  });

  it('should queue leaves given back again, counted once', () => {
    const journal = new ForgetJournal();
    journal.add(5);
    const taken = journal.take(1);
    journal.giveBack(taken);
    expect(journal.size).toBe(1);
    expect(journal.pending).toBe(1);
    expect(journal.take(1)).toEqual([5]);
  });

  it('should ask for a scan instead of growing past its capacity', () => {
    const journal = new ForgetJournal(2);
    journal.scanNeeded = false;
    journal.add(1);
    journal.add(2);
    journal.add(3);
    expect(journal.size).toBe(0);
    expect(journal.scanNeeded).toBe(true);
  });
});
