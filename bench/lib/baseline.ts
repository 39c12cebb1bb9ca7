/**
 * Captures the plans the baselines replay: a hotel booking create (won, and refused for want of rooms)
 * and a retail hold (won, and refused for want of stock), each exactly as the platform issues them.
 */
import type pg from 'pg';
import { addDays } from '../../src/platform/dates.js';
import { createStayBooking, retailHold } from './bodies.js';
import { majority, startCapturer } from './capture.js';
import { createVenue, stockItem } from './fixtures.js';
import { HttpClient } from './http.js';
import { buildTemplate, describe, planOf, type Capture, type Plan } from './replay.js';

/** Stays in the booking scenarios are this long, as in the captured booking. */
export const CAPTURED_NIGHTS = 2;

export interface Plans {
  readonly booking: Plan;
  readonly retail: Plan;
  readonly outlines: Record<string, ReturnType<typeof describe>>;
}

export async function capturePlans(o: {
  platformHttp: HttpClient;
  databaseUrl: string;
  pool: pg.Pool;
  logFile: string;
  today: string;
}): Promise<Plans> {
  const venueId = 'bench-capture-hotel';
  const checkIn = addDays(o.today, 200);
  const checkOut = addDays(checkIn, CAPTURED_NIGHTS);
  await createVenue(o.platformHttp, { id: venueId, type: 'hotel', name: 'Capture Hotel', location: 'Bench Capture City' });
  for (let k = 1; k <= 3; k++) {
    await o.platformHttp.must({
      method: 'POST',
      path: `/api/v1/venues/${venueId}/room-types`,
      body: { id: `bench-caprt-${k}`, name: 'Single room', capacity_adults: 2, price: 15_000, total_quantity: 1 },
    });
    await stockItem(o.platformHttp, `BENCH-CAPTURE-${k}`, 1);
  }

  const capturer = await startCapturer({ databaseUrl: o.databaseUrl, logFile: o.logFile });
  const http = new HttpClient(capturer.platform.url, 2);
  try {
    type Run = Capture & { known: Record<string, string> };
    const bookingWins: Run[] = [];
    const bookingLosses: Run[] = [];
    const retailWins: Run[] = [];
    const retailLosses: Run[] = [];
    for (let k = 1; k <= 3; k++) {
      const stay = { venueId, roomTypeId: `bench-caprt-${k}`, checkIn, nights: CAPTURED_NIGHTS };
      const win = await capturer.capture(http, createStayBooking(stay, 1));
      if (win.response.status !== 201)
        throw new Error(`captured booking answered ${win.response.status}: ${JSON.stringify(win.response.json)}`);
      const lose = await capturer.capture(http, createStayBooking(stay, 1));
      if (lose.response.status !== 409)
        throw new Error(`captured refusal answered ${lose.response.status}: ${JSON.stringify(lose.response.json)}`);
      const known = { venueId, roomTypeId: stay.roomTypeId, checkIn, checkOut };
      bookingWins.push({ ...win, known });
      bookingLosses.push({ ...lose, known });

      const productId = `BENCH-CAPTURE-${k}`;
      const rwin = await capturer.capture(http, retailHold(productId));
      if (rwin.response.status !== 201) throw new Error(`captured retail hold answered ${rwin.response.status}`);
      const rlose = await capturer.capture(http, retailHold(productId));
      if (rlose.response.status !== 409) throw new Error(`captured retail refusal answered ${rlose.response.status}`);
      retailWins.push({ ...rwin, known: { productId } });
      retailLosses.push({ ...rlose, known: { productId } });
    }
    const pick = (runs: Run[]) => {
      const best = majority(runs);
      return buildTemplate(
        best,
        runs.filter((r) => r !== best),
        best.known,
      );
    };
    const booking = planOf(pick(bookingWins), pick(bookingLosses));
    const retail = planOf(pick(retailWins), pick(retailLosses));
    return {
      booking,
      retail,
      outlines: {
        'booking create': describe(booking.win),
        'booking create refused': describe(booking.lose!),
        'retail hold': describe(retail.win),
        'retail hold refused': describe(retail.lose!),
      },
    };
  } finally {
    await http.close();
    await capturer.stop();
  }
}
