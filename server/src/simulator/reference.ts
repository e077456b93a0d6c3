/**
 * The reference campaign: Hà Tĩnh province, 2023 (see DESIGN.md §1). The demo reproduces
 * these figures exactly.
 */
export const REFERENCE = {
  campaignId: 'ha-tinh',
  name: 'Thu nhận CCCD gắn chip và định danh điện tử mức 2 — tỉnh Hà Tĩnh',
  province: '42',
  timeZone: 'Asia/Ho_Chi_Minh',
  startDate: '2023-02-01',
  milestones: [
    { name: 'Cam kết của Giám đốc', date: '2023-05-20', metrics: ['cccd_intake'], document: 'Cam kết của Giám đốc Công an tỉnh' },
    { name: 'Mốc Bộ giao', date: '2023-07-29', metrics: ['cccd_intake'], document: 'Kế hoạch của Bộ Công an' },
    // The article reports the eID figures as of 27 June; the demo assumes the end of June as their deadline.
    { name: 'Chỉ tiêu điện 16/HT', date: '2023-06-30', metrics: ['eid2_intake', 'eid2_activation'], document: 'Điện 16/HT ngày 21/3/2023' },
  ],
  metrics: [
    // final: the value reached on `finish`; target: the eligible citizens or the assigned target.
    { key: 'cccd_intake', name: 'Thu nhận CCCD gắn chip', shortName: 'CCCD', target: 1_130_342, final: 1_130_342, start: '2023-02-01', finish: '2023-05-10' },
    { key: 'eid2_intake', name: 'Thu nhận định danh điện tử mức 2', shortName: 'ĐDĐT thu nhận', target: 859_268, final: 938_863, start: '2023-03-21', finish: '2023-06-27' },
    { key: 'eid2_activation', name: 'Kích hoạt định danh điện tử mức 2', shortName: 'ĐDĐT kích hoạt', activationOf: 'eid2_intake', target: 859_268, final: 870_888, start: '2023-03-28', finish: '2023-06-27' },
  ],
  /** Census of 1 April 2019, by district code: targets are spread in proportion. */
  districtPopulation: {
    '436': 104_037, '437': 38_411, '439': 112_426, '440': 101_562, '441': 28_544, '442': 102_160, '443': 129_098,
    '444': 99_307, '445': 140_213, '446': 149_313, '447': 121_662, '448': 79_178, '449': 82_955,
  } as Record<string, number>,
  /** Districts that finished eID before the dates they committed to (Hương Khê, Can Lộc, Nghi Xuân). */
  eidCommitted: ['444', '443', '442'],
  /** Thạch Kênh (Thạch Hà): among the first six communes of the country to reach 100%. */
  firstCommune: '18586',
  /** In live mode, today plays this day of the reference campaign. */
  liveAsOf: '2023-04-24',
} as const;

export type ReferenceMetric = (typeof REFERENCE.metrics)[number];
