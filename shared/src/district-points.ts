/**
 * Where districts really are, for the schematic map (DESIGN.md §5): a representative point
 * (WGS84 degrees) and the area relative to a reference district of the same province.
 * Districts missing here are laid out without geography.
 */
export interface DistrictPoint {
  lat: number;
  lon: number;
  /** Area relative to the province's reference district (Hà Tĩnh: Hương Khê = 1). */
  area: number;
}

export const DISTRICT_POINTS: ReadonlyMap<string, DistrictPoint> = new Map([
  // Hà Tĩnh (42)
  ['436', { lat: 18.355, lon: 105.903, area: 0.04 }], // TP Hà Tĩnh
  ['437', { lat: 18.531, lon: 105.709, area: 0.05 }], // TX Hồng Lĩnh
  ['439', { lat: 18.478, lon: 105.306, area: 0.87 }], // Hương Sơn
  ['440', { lat: 18.496, lon: 105.606, area: 0.16 }], // Đức Thọ
  ['441', { lat: 18.325, lon: 105.447, area: 0.51 }], // Vũ Quang
  ['442', { lat: 18.62, lon: 105.766, area: 0.17 }], // Nghi Xuân
  ['443', { lat: 18.44, lon: 105.733, area: 0.24 }], // Can Lộc
  ['444', { lat: 18.177, lon: 105.679, area: 1.0 }], // Hương Khê
  ['445', { lat: 18.339, lon: 105.874, area: 0.28 }], // Thạch Hà
  ['446', { lat: 18.194, lon: 106.006, area: 0.51 }], // Cẩm Xuyên
  ['447', { lat: 18.064, lon: 106.181, area: 0.6 }], // huyện Kỳ Anh
  ['448', { lat: 18.469, lon: 105.863, area: 0.09 }], // Lộc Hà
  ['449', { lat: 18.04, lon: 106.366, area: 0.22 }], // TX Kỳ Anh
]);
