import type { OrganisationKind } from '../organisations/models/organisation-kind.enum.js';

/**
 * An SSR-like region: the kinds of actors that cooperate in Samverkan Stockholmsregionen.
 * Duty phone numbers are taken from the range 08-465 004 00–99 that the Swedish Post and
 * Telecom Authority (PTS) reserves for fiction, so no real number is ever called.
 */
export interface DemoOrganisation {
  code: string;
  name: string;
  kind: OrganisationKind;
  lat: number;
  lng: number;
  place: string;
}

export const DEMO_ORGANISATIONS: DemoOrganisation[] = [
  { code: 'NORRTALJE', name: 'Norrtälje kommun', kind: 'MUNICIPALITY' as OrganisationKind, lat: 59.758, lng: 18.705, place: 'Norrtälje' },
  { code: 'OSTERAKER', name: 'Österåkers kommun', kind: 'MUNICIPALITY' as OrganisationKind, lat: 59.481, lng: 18.299, place: 'Åkersberga' },
  { code: 'VALLENTUNA', name: 'Vallentuna kommun', kind: 'MUNICIPALITY' as OrganisationKind, lat: 59.534, lng: 18.078, place: 'Vallentuna' },
  { code: 'TABY', name: 'Täby kommun', kind: 'MUNICIPALITY' as OrganisationKind, lat: 59.444, lng: 18.069, place: 'Täby' },
  { code: 'STOCKHOLM', name: 'Stockholms stad', kind: 'MUNICIPALITY' as OrganisationKind, lat: 59.329, lng: 18.069, place: 'Stockholm' },
  { code: 'SOLNA', name: 'Solna stad', kind: 'MUNICIPALITY' as OrganisationKind, lat: 59.36, lng: 18.0, place: 'Solna' },
  { code: 'SOLLENTUNA', name: 'Sollentuna kommun', kind: 'MUNICIPALITY' as OrganisationKind, lat: 59.428, lng: 17.951, place: 'Sollentuna' },
  { code: 'SIGTUNA', name: 'Sigtuna kommun', kind: 'MUNICIPALITY' as OrganisationKind, lat: 59.617, lng: 17.723, place: 'Märsta' },
  { code: 'JARFALLA', name: 'Järfälla kommun', kind: 'MUNICIPALITY' as OrganisationKind, lat: 59.423, lng: 17.835, place: 'Jakobsberg' },
  { code: 'NACKA', name: 'Nacka kommun', kind: 'MUNICIPALITY' as OrganisationKind, lat: 59.31, lng: 18.163, place: 'Nacka' },
  { code: 'VARMDO', name: 'Värmdö kommun', kind: 'MUNICIPALITY' as OrganisationKind, lat: 59.318, lng: 18.395, place: 'Gustavsberg' },
  { code: 'HANINGE', name: 'Haninge kommun', kind: 'MUNICIPALITY' as OrganisationKind, lat: 59.168, lng: 18.144, place: 'Handen' },
  { code: 'HUDDINGE', name: 'Huddinge kommun', kind: 'MUNICIPALITY' as OrganisationKind, lat: 59.237, lng: 17.982, place: 'Huddinge' },
  { code: 'BOTKYRKA', name: 'Botkyrka kommun', kind: 'MUNICIPALITY' as OrganisationKind, lat: 59.2, lng: 17.83, place: 'Tumba' },
  { code: 'SODERTALJE', name: 'Södertälje kommun', kind: 'MUNICIPALITY' as OrganisationKind, lat: 59.196, lng: 17.626, place: 'Södertälje' },
  { code: 'NYNASHAMN', name: 'Nynäshamns kommun', kind: 'MUNICIPALITY' as OrganisationKind, lat: 58.903, lng: 17.948, place: 'Nynäshamn' },
  { code: 'REGION-STHLM', name: 'Region Stockholm', kind: 'REGION' as OrganisationKind, lat: 59.332, lng: 18.047, place: 'Stockholm' },
  { code: 'REGION-STHLM-SSL', name: 'Region Stockholm, regional särskild sjukvårdsledning', kind: 'HEALTHCARE' as OrganisationKind, lat: 59.35, lng: 18.034, place: 'Solna' },
  { code: 'LANSSTYRELSEN-AB', name: 'Länsstyrelsen i Stockholms län', kind: 'COUNTY_ADMINISTRATIVE_BOARD' as OrganisationKind, lat: 59.334, lng: 18.06, place: 'Stockholm' },
  { code: 'POLISEN-STHLM', name: 'Polisregion Stockholm', kind: 'POLICE' as OrganisationKind, lat: 59.331, lng: 18.036, place: 'Kungsholmen' },
  { code: 'SSBF', name: 'Storstockholms brandförsvar', kind: 'RESCUE_SERVICE' as OrganisationKind, lat: 59.314, lng: 18.087, place: 'Stockholm' },
  { code: 'SBFF', name: 'Södertörns brandförsvarsförbund', kind: 'RESCUE_SERVICE' as OrganisationKind, lat: 59.219, lng: 17.944, place: 'Flemingsberg' },
  { code: 'ATTUNDA', name: 'Attunda brandförsvar', kind: 'RESCUE_SERVICE' as OrganisationKind, lat: 59.51, lng: 17.92, place: 'Upplands Väsby' },
  { code: 'SOS-ALARM', name: 'SOS Alarm, larmcentral Stockholm', kind: 'OTHER' as OrganisationKind, lat: 59.34, lng: 18.02, place: 'Stockholm' },
  { code: 'TRAFIKVERKET', name: 'Trafikverket, region Stockholm', kind: 'TRANSPORT' as OrganisationKind, lat: 59.358, lng: 17.97, place: 'Solna' },
  { code: 'TRAFIKFORVALTNINGEN', name: 'Region Stockholm, trafikförvaltningen (SL)', kind: 'TRANSPORT' as OrganisationKind, lat: 59.33, lng: 18.058, place: 'Stockholm' },
  { code: 'SJOFARTSVERKET', name: 'Sjöfartsverket', kind: 'TRANSPORT' as OrganisationKind, lat: 59.32, lng: 18.1, place: 'Stockholm' },
  { code: 'ELLEVIO', name: 'Ellevio AB (elnät)', kind: 'UTILITY' as OrganisationKind, lat: 59.306, lng: 18.02, place: 'Stockholm' },
  { code: 'NORRVATTEN', name: 'Norrvatten', kind: 'UTILITY' as OrganisationKind, lat: 59.56, lng: 17.79, place: 'Görväln' },
  { code: 'SVOA', name: 'Stockholm Vatten och Avfall', kind: 'UTILITY' as OrganisationKind, lat: 59.3, lng: 18.08, place: 'Stockholm' },
  { code: 'TELIA', name: 'Telia Company, krisledning', kind: 'PRIVATE_SECTOR' as OrganisationKind, lat: 59.36, lng: 18.0, place: 'Solna' },
  { code: 'FM-MRM', name: 'Försvarsmakten, militärregion Mitt', kind: 'ARMED_FORCES' as OrganisationKind, lat: 59.37, lng: 18.11, place: 'Stockholm' },
  { code: 'MCF', name: 'Myndigheten för civilt försvar', kind: 'GOVERNMENT_AGENCY' as OrganisationKind, lat: 59.33, lng: 18.07, place: 'Stockholm' },
  { code: 'KUSTBEVAKNINGEN', name: 'Kustbevakningen, region ost', kind: 'GOVERNMENT_AGENCY' as OrganisationKind, lat: 59.42, lng: 18.35, place: 'Djurö' },
  { code: 'RODAKORSET-STHLM', name: 'Svenska Röda Korset, Stockholm', kind: 'VOLUNTARY_ORGANISATION' as OrganisationKind, lat: 59.338, lng: 18.05, place: 'Stockholm' },
  { code: 'CIVILFORSVARET-STHLM', name: 'Civilförsvarsförbundet Stockholm', kind: 'VOLUNTARY_ORGANISATION' as OrganisationKind, lat: 59.34, lng: 18.03, place: 'Stockholm' },
  { code: 'SVENSKA-KYRKAN-STHLM', name: 'Svenska kyrkan, Stockholms stift', kind: 'OTHER' as OrganisationKind, lat: 59.325, lng: 18.07, place: 'Stockholm' },
];

export interface DemoResourceType {
  code: string;
  name: string;
  category: 'PERSONNEL' | 'TEAM' | 'VEHICLE' | 'EQUIPMENT' | 'SUPPLIES' | 'FACILITY';
  unit: string;
  description: string;
}

export const DEMO_RESOURCE_TYPES: DemoResourceType[] = [
  { code: 'POSOM-TEAM', name: 'POSOM team', category: 'TEAM', unit: 'teams', description: 'Psychosocial support team (psykiskt och socialt omhändertagande), 4–6 persons' },
  { code: 'MMO-GROUP', name: 'MMO group', category: 'TEAM', unit: 'groups', description: 'Medical psychosocial support group (medicinskt och psykologiskt omhändertagande)' },
  { code: 'LIAISON-OFFICER', name: 'Liaison officer', category: 'PERSONNEL', unit: 'persons', description: 'Samverkansperson to be placed with another actor' },
  { code: 'GENERATOR-20KVA', name: 'Generator 20 kVA', category: 'EQUIPMENT', unit: 'pcs', description: 'Mobile diesel generator, 20 kVA, trailer mounted' },
  { code: 'WATER-TANK-1M3', name: 'Water tank 1 m³', category: 'EQUIPMENT', unit: 'pcs', description: 'Drinking-water tank, 1000 litres, food grade' },
  { code: 'WATER-BAGS-10L', name: 'Drinking-water bags 10 l', category: 'SUPPLIES', unit: 'pcs', description: 'Collapsible 10-litre bags for handing out drinking water' },
  { code: 'SANDBAGS', name: 'Sandbags', category: 'SUPPLIES', unit: 'pcs', description: 'Filled sandbags, about 15 kg' },
  { code: 'FLOOD-BARRIER', name: 'Flood barrier', category: 'EQUIPMENT', unit: 'metres', description: 'Temporary flood barrier, 0.8 m high' },
  { code: 'SHELTER-PLACES', name: 'Emergency shelter places', category: 'FACILITY', unit: 'places', description: 'Places in an evacuation and heating shelter (trygghetspunkt)' },
  { code: 'VEHICLE-4X4', name: '4x4 vehicle', category: 'VEHICLE', unit: 'pcs', description: 'Off-road vehicle with driver' },
  { code: 'BOAT', name: 'Boat', category: 'VEHICLE', unit: 'pcs', description: 'Rescue or transport boat for the archipelago, with crew' },
  { code: 'FIELD-KITCHEN', name: 'Field kitchen', category: 'EQUIPMENT', unit: 'pcs', description: 'Mobile kitchen serving about 300 meals a day' },
  { code: 'SATELLITE-PHONE', name: 'Satellite phone', category: 'EQUIPMENT', unit: 'pcs', description: 'Satellite phone for when mobile and fixed networks are down' },
  { code: 'RAKEL-TERMINAL', name: 'RAKEL terminal', category: 'EQUIPMENT', unit: 'pcs', description: 'Hand-held RAKEL radio for lending to an actor without one' },
];

/** Holdings: which kinds of actor typically keep which resource types, and how many. */
export const DEMO_HOLDINGS_BY_KIND: Record<string, [string, number][]> = {
  MUNICIPALITY: [['POSOM-TEAM', 2], ['SHELTER-PLACES', 120], ['WATER-BAGS-10L', 400], ['GENERATOR-20KVA', 2], ['WATER-TANK-1M3', 3]],
  REGION: [['GENERATOR-20KVA', 4], ['SATELLITE-PHONE', 10]],
  HEALTHCARE: [['MMO-GROUP', 4], ['LIAISON-OFFICER', 3]],
  COUNTY_ADMINISTRATIVE_BOARD: [['LIAISON-OFFICER', 4], ['SATELLITE-PHONE', 6], ['RAKEL-TERMINAL', 20]],
  POLICE: [['LIAISON-OFFICER', 6], ['VEHICLE-4X4', 8], ['BOAT', 2]],
  RESCUE_SERVICE: [['FLOOD-BARRIER', 400], ['SANDBAGS', 5000], ['GENERATOR-20KVA', 3], ['BOAT', 3], ['VEHICLE-4X4', 4]],
  UTILITY: [['GENERATOR-20KVA', 12], ['WATER-TANK-1M3', 10]],
  TRANSPORT: [['VEHICLE-4X4', 6]],
  ARMED_FORCES: [['FIELD-KITCHEN', 4], ['VEHICLE-4X4', 20], ['WATER-TANK-1M3', 8], ['SHELTER-PLACES', 200]],
  GOVERNMENT_AGENCY: [['SATELLITE-PHONE', 4], ['BOAT', 2]],
  VOLUNTARY_ORGANISATION: [['POSOM-TEAM', 3], ['FIELD-KITCHEN', 1], ['SHELTER-PLACES', 60]],
  PRIVATE_SECTOR: [['GENERATOR-20KVA', 6], ['SATELLITE-PHONE', 12]],
  OTHER: [['POSOM-TEAM', 1]],
};

export const DEMO_INCIDENT = {
  reference: 'DEMO-0001',
  title: 'Storm och strömavbrott i Roslagen',
  description:
    'Stormen har fällt träd över ledningar i Norrtälje, Österåker och Vallentuna. Omkring 18 000 hushåll är utan el, ' +
    'mobilnätet är stört i skärgården och flera vägar är blockerade. Kommunerna öppnar trygghetspunkter.',
  category: 'STORM',
  locationName: 'Roslagen (Norrtälje, Österåker, Vallentuna)',
  lat: 59.758,
  lng: 18.705,
  lead: 'NORRTALJE',
  participants: [
    'NORRTALJE', 'OSTERAKER', 'VALLENTUNA', 'LANSSTYRELSEN-AB', 'REGION-STHLM', 'REGION-STHLM-SSL', 'POLISEN-STHLM',
    'SSBF', 'SOS-ALARM', 'ELLEVIO', 'TRAFIKVERKET', 'NORRVATTEN', 'TELIA', 'FM-MRM', 'RODAKORSET-STHLM', 'SVENSKA-KYRKAN-STHLM',
  ],
};
