import { describe, expect, it } from 'vitest';
import { labelBox, placeLabels, type LabelCandidate } from './labels';

const frame = { width: 1000, height: 600, minScale: 0.7, minSize: 11 };
const label = (code: string, x: number, y: number, size = 20, text = code): LabelCandidate => ({ code, text, x, y, size });

describe('placeLabels', () => {
  it('keeps labels that do not touch, at full size and where they were asked', () => {
    const placed = placeLabels([label('Hương Sơn', 100, 100), label('Can Lộc', 500, 100), label('Kỳ Anh', 800, 500)], frame);
    expect(placed.map((p) => [p.code, p.x, p.y, p.size])).toEqual([
      ['Hương Sơn', 100, 100, 20],
      ['Can Lộc', 500, 100, 20],
      ['Kỳ Anh', 800, 500, 20],
    ]);
  });

  it('drops a later label that would sit on an earlier one, whatever its size', () => {
    const placed = placeLabels([label('Thạch Hà', 300, 300), label('TP Hà Tĩnh', 305, 300)], frame);
    expect(placed.map((p) => p.code)).toEqual(['Thạch Hà']);
  });

  it('nudges a label half a line when that clears its neighbour', () => {
    const [first, second] = placeLabels([label('Đức Thọ', 300, 300), label('Vũ Quang', 300, 326)], frame);
    expect(second.size).toBe(20);
    expect(second.y).toBe(326 + 0.5 * 1.2 * 20);
    expect(labelBox(second.text, second.x, second.y, second.size).top).toBeGreaterThanOrEqual(
      labelBox(first.text, first.x, first.y, first.size).bottom,
    );
  });

  it.each([
    ['shrinks a label that fits only smaller', 319, frame, 14],
    ['drops a label that does not fit even at 70%', 310, frame, undefined],
    ['never shrinks below the smallest legible size', 319, { ...frame, minSize: 16 }, undefined],
  ])('%s', (_case, y, labelFrame, size) => {
    const placed = placeLabels([label('Hương Khê', 300, 300), label('Vũ Quang', 300, y)], labelFrame);
    expect(placed[1]?.size).toBe(size);
  });

  it('slides a label at the edge back inside the map', () => {
    const [placed] = placeLabels([label('Nghi Xuân', 5, 3)], frame);
    const box = labelBox(placed.text, placed.x, placed.y, placed.size);
    expect(box.left).toBeGreaterThanOrEqual(0);
    expect(box.top).toBeGreaterThanOrEqual(0);
  });

  it('no two placed labels overlap, even in a crowd', () => {
    const crowd = Array.from({ length: 200 }, (_, i) => label(`Xã ${i}`, (i * 37) % 1000, (i * 53) % 600, 16));
    const placed = placeLabels(crowd, frame);
    expect(placed.length).toBeGreaterThan(20);
    expect(placed.length).toBeLessThan(200);
    const boxes = placed.map((p) => labelBox(p.text, p.x, p.y, p.size));
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i];
        const b = boxes[j];
        expect(a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom).toBe(false);
      }
    }
  });
});
