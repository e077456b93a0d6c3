/** The part of shapefile 0.6.6 used here (the package ships no types). */
declare module 'shapefile' {
  import type { FeatureCollection } from 'geojson';

  export function read(shp: Uint8Array | ArrayBuffer, dbf?: Uint8Array | ArrayBuffer, options?: { encoding?: string }): Promise<FeatureCollection>;
}
