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
  const reqs = useQuery<{ incident: { resourceRequests: { nodes: { id: string; deliveryLocation: Point | null; resourceType: { name: string } }[] } } }>(
    `query MapData($id: ID!) { incident(id: $id) { resourceRequests(first: 50) { nodes { id deliveryLocation { latitude longitude } resourceType { name } } } } }`,
    { id: incident.id },
  );
  useEffect(() => {
    if (!el.current) return;
    const centre: [number, number] = incident.location ? [incident.location.latitude, incident.location.longitude] : [59.6, 18.5];
    const map = L.map(el.current, { center: centre, zoom: 8, keyboard: true, attributionControl: true });
    if (tileUrl) L.tileLayer(tileUrl, { maxZoom: 18 }).addTo(map);
    L.geoJSON(outlines, { style: { color: '#40506a', weight: 1, fillColor: '#f5f3ec', fillOpacity: tileUrl ? 0 : 1 } }).addTo(map);
    if (incident.location) {
      L.circleMarker(centre, { radius: 10, color: '#b00020', fillOpacity: 0.7 })
        .bindTooltip(`${t('map.incident')}: ${incident.title}`)
        .addTo(map);
    }
    for (const r of reqs.data?.incident.resourceRequests.nodes ?? []) {
      if (r.deliveryLocation)
        L.circleMarker([r.deliveryLocation.latitude, r.deliveryLocation.longitude], { radius: 6, color: '#1a5fb4' }).bindTooltip(r.resourceType.name).addTo(map);
    }
    return () => {
      map.remove();
    };
  }, [incident, tileUrl, reqs.data, t]);
  return (
    <section aria-labelledby="map-h">
      <h2 id="map-h">{t('map.title')}</h2>
      <div ref={el} className="map" role="region" aria-label={t('map.title')} />
    </section>
  );
}
