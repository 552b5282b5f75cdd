import { expect, it } from 'vitest';
import { EventLoopLoad } from './event-loop-load.js';

function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // the main thread stays busy: no turn of the event loop
  }
}

it('reads a main thread kept busy as saturated, and an idle one as not', async () => {
  const load = new EventLoopLoad(100);
  await new Promise((resolve) => setTimeout(resolve, 150));
  load.utilization();
  await new Promise((resolve) => setTimeout(resolve, 150));
  expect(load.utilization()).toBeLessThan(0.5);
  spin(150);
  await new Promise((resolve) => setImmediate(resolve));
  spin(150);
  expect(load.utilization()).toBeGreaterThan(0.9);
});
