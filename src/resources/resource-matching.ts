/**
 * The order of `resourceMatches`, stated once: holdings that cover the whole remaining need
 * first, then the nearer (great-circle distance to the delivery location), then the larger.
 * The score makes the first two visible to a coordinator:
 *
 *   score = 1000 · covers + 100 / (1 + distanceKm / 10)      (0 for the second term when the distance is unknown)
 *
 * so a covering holding always outranks a partial one (the proximity term is at most 100), a
 * nearer one outranks a farther one of the same kind (the term falls strictly with distance),
 * and an unknown distance ranks after every known one. Holdings with equal scores are ordered
 * by quantity, larger first.
 */
export const COVER_BONUS = 1000;
export const PROXIMITY_MAX = 100;
export const PROXIMITY_SCALE_KM = 10;
export const EARTH_RADIUS_KM = 6371.0088;

export function matchScore(covers: boolean, distanceKm: number | null): number {
  return (covers ? COVER_BONUS : 0) + (distanceKm === null ? 0 : PROXIMITY_MAX / (1 + distanceKm / PROXIMITY_SCALE_KM));
}

/** Haversine distance in km, for the unit spec and the docs; the query computes the same in SQL. */
export function greatCircleKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const a = Math.sin(((lat2 - lat1) * rad) / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(((lon2 - lon1) * rad) / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)));
}

/**
 * A coordinate rounded to 9 decimals (about 0.1 mm) for the distance: PostgreSQL raises "value out
 * of range: underflow" when float arithmetic rounds a non-zero result to zero, which valid
 * coordinates can cause (a subnormal latitude such as 5e-324, or two that differ by less than
 * 1e-154, squared). Rounded, every non-zero value and difference is at least 1e-9.
 */
const coordinate = (column: string) => `round(${column}::numeric, 9)::float8`;
const [reqLat, reqLng, lat, lng] = ['req.lat', 'req.lng', 'h.latitude', 'h.longitude'].map(coordinate);

/**
 * One query: the request's remaining need, every other active organisation's holding of the
 * type with something available, the distance, the score and the order. $1 request id, $2 limit.
 */
export const MATCHES_SQL = `
  WITH req AS (
    SELECT r.resource_type_id, r.requesting_organisation_id, r.delivery_latitude AS lat, r.delivery_longitude AS lng,
           CASE WHEN r.status IN ('OPEN','PARTIALLY_FILLED') THEN r.quantity_requested - r.quantity_filled ELSE 0 END AS remaining
      FROM resource_requests r WHERE r.id = $1
  ), candidates AS (
    SELECT h.id, h.organisation_id, h.resource_type_id, h.quantity_total, h.quantity_committed, h.latitude, h.longitude,
           h.location_name, h.notes, h.updated_at,
           h.quantity_total - h.quantity_committed AS available,
           req.remaining,
           CASE WHEN h.latitude IS NULL OR req.lat IS NULL THEN NULL ELSE
             2 * ${EARTH_RADIUS_KM} * asin(least(1, sqrt(
               power(sin(radians(${reqLat} - ${lat}) / 2), 2) +
               cos(radians(${lat})) * cos(radians(${reqLat})) * power(sin(radians(${reqLng} - ${lng}) / 2), 2))))
           END AS distance_km
      FROM req
      JOIN resource_holdings h ON h.resource_type_id = req.resource_type_id AND h.organisation_id <> req.requesting_organisation_id
      JOIN organisations o ON o.id = h.organisation_id AND o.active
     WHERE req.remaining > 0 AND h.quantity_total - h.quantity_committed > 0
  )
  SELECT c.*, least(c.available, c.remaining) AS quantity_offered, c.available >= c.remaining AS covers,
         (CASE WHEN c.available >= c.remaining THEN ${COVER_BONUS} ELSE 0 END)
           + COALESCE(${PROXIMITY_MAX} / (1 + c.distance_km / ${PROXIMITY_SCALE_KM}), 0) AS score
    FROM candidates c
   ORDER BY covers DESC, distance_km ASC NULLS LAST, quantity_offered DESC, c.id
   LIMIT $2`;
