import 'leaflet/dist/leaflet.css';
import L from 'leaflet';
import { useEffect, useRef, useState } from 'react';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import world from 'world-atlas/countries-50m.json';
import { useI18n } from '../i18n';
import { useQuery } from '../ui';
import type { IncidentHead } from './incident';

/**
 * Country outlines from Natural Earth (the world-atlas package), bundled: the map needs no tile
 * server. Where the hub is configured with one (CONSOLE_MAP_TILE_URL), its tiles are drawn under them.
 */
const outlines = feature(world as unknown as Topology, (world as unknown as Topology).objects.countries as GeometryCollection);

interface Point {
  latitude: number;
  longitude: number;
}

interface MapHolding {
  id: string;
  location: Point | null;
  locationName: string | null;
  quantityAvailable: number;
  resourceType: { name: string };
}

interface MapRequest {
  id: string;
  status: string;
  deliveryLocation: Point | null;
  resourceType: { name: string };
}

interface MapMatch {
  distanceKm: number | null;
  holding: { id: string; location: Point | null; locationName: string | null; organisation: { name: string } };
}

const OPEN = new Set(['OPEN', 'PARTIALLY_FILLED']);
/** The open requests whose matches the map asks for, in one document (aliases m0, m1, …). */
const MAX_MATCHED_REQUESTS = 10;

const MAP_DATA = `query MapData($id: ID!) { incident(id: $id) {
  resourceRequests(first: 50) { nodes { id status deliveryLocation { latitude longitude } resourceType { name } } }
  participants { organisation { id name holdings { id location { latitude longitude } locationName quantityAvailable resourceType { name } } } } } }`;

function matchesDocument(requestIds: readonly string[]): string {
  const fields = requestIds.map(
    (_, i) => `m${i}: resourceMatches(requestId: $r${i}, first: 20) { distanceKm holding { id location { latitude longitude } locationName organisation { name } } }`,
  );
  return `query MapMatches(${requestIds.map((_, i) => `$r${i}: ID!`).join(', ')}) { ${fields.join(' ')} }`;
}

/**
 * The incident, the delivery points of its requests, the participants' holdings, and for each open
 * request the holdings that match it, with their distances (a line from holding to delivery point).
 */
export function IncidentMap({ incident }: { incident: IncidentHead }) {
  const { t } = useI18n();
  const el = useRef<HTMLDivElement>(null);
  const [tileUrl, setTileUrl] = useState<string | null>(null);
  useEffect(() => {
    fetch('/console/config.json')
      .then((r) => r.json() as Promise<{ tileUrl: string | null }>)
      .then(
        (c) => setTileUrl(c.tileUrl),
        () => undefined,
      );
  }, []);
  const data = useQuery<{
    incident: { resourceRequests: { nodes: MapRequest[] }; participants: { organisation: { id: string; name: string; holdings: MapHolding[] } }[] };
  }>(MAP_DATA, { id: incident.id });
  const open = (data.data?.incident.resourceRequests.nodes ?? []).filter((r) => OPEN.has(r.status) && r.deliveryLocation).slice(0, MAX_MATCHED_REQUESTS);
  const matchVariables = Object.fromEntries(open.map((r, i) => [`r${i}`, r.id]));
  const matches = useQuery<Record<string, MapMatch[]>>(open.length ? matchesDocument(open.map((r) => r.id)) : null, matchVariables);
  useEffect(() => {
    if (!el.current) return;
    const centre: [number, number] = incident.location ? [incident.location.latitude, incident.location.longitude] : [59.6, 18.5];
    const map = L.map(el.current, { center: centre, zoom: 8, keyboard: true, attributionControl: true });
    if (tileUrl) L.tileLayer(tileUrl, { maxZoom: 18 }).addTo(map);
    L.geoJSON(outlines, { style: { color: '#40506a', weight: 1, fillColor: '#f5f3ec', fillOpacity: tileUrl ? 0 : 1 } }).addTo(map);
    const at = (p: Point): [number, number] => [p.latitude, p.longitude];
    for (const p of data.data?.incident.participants ?? []) {
      for (const h of p.organisation.holdings) {
        if (!h.location) continue;
        L.circleMarker(at(h.location), { radius: 5, color: '#2b7a3d', fillOpacity: 0.6, className: 'map-holding' })
          .bindTooltip(`${t('map.holding')}: ${p.organisation.name}${h.locationName ? ` (${h.locationName})` : ''}, ${h.resourceType.name} ${h.quantityAvailable}`)
          .addTo(map);
      }
    }
    for (const r of data.data?.incident.resourceRequests.nodes ?? []) {
      if (r.deliveryLocation) L.circleMarker(at(r.deliveryLocation), { radius: 6, color: '#1a5fb4' }).bindTooltip(`${t('map.delivery')}: ${r.resourceType.name}`).addTo(map);
    }
    if (incident.location) {
      L.circleMarker(centre, { radius: 10, color: '#b00020', fillOpacity: 0.7 })
        .bindTooltip(`${t('map.incident')}: ${incident.title}`)
        .addTo(map);
    }
    // The matches last, on top: they are what the coordinator looks for.
    open.forEach((r, i) => {
      for (const m of matches.data?.[`m${i}`] ?? []) {
        if (!m.holding.location || !r.deliveryLocation) continue;
        const distance = m.distanceKm == null ? '' : `, ${m.distanceKm.toFixed(0)} km`;
        L.polyline([at(m.holding.location), at(r.deliveryLocation)], { color: '#8a5a00', weight: 1, dashArray: '4 4' }).addTo(map);
        L.circleMarker(at(m.holding.location), { radius: 7, color: '#8a5a00', fillOpacity: 0.8, className: 'map-match' })
          .bindTooltip(`${t('map.match')} ${r.resourceType.name}: ${m.holding.organisation.name}${m.holding.locationName ? ` (${m.holding.locationName})` : ''}${distance}`)
          .addTo(map);
      }
    });
    return () => {
      map.remove();
    };
  }, [incident, tileUrl, data.data, matches.data, t]);
  return (
    <section aria-labelledby="map-h">
      <h2 id="map-h">{t('map.title')}</h2>
      <div ref={el} className="map" role="region" aria-label={t('map.title')} data-testid="map" />
      <p className="legend">
        <span className="legend-incident">● {t('map.incident')}</span> <span className="legend-delivery">● {t('map.delivery')}</span>{' '}
        <span className="legend-holding">● {t('map.holding')}</span> <span className="legend-match">● {t('map.matches')}</span>
      </p>
    </section>
  );
}
