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

  it('keeps both labels when one lies on the other\'s anchor: that unit is called out, its anchor left visible', () => {
    const placed = placeLabels([label('Thạch Hà', 300, 300), label('TP Hà Tĩnh', 305, 300)], frame);
    expect(placed.map((p) => p.code).sort()).toEqual(['TP Hà Tĩnh', 'Thạch Hà']);
    const city = placed.find((p) => p.code === 'TP Hà Tĩnh')!;
    expect(city.leader).toMatchObject({ x1: 305, y1: 300 });
    for (const p of placed.filter((q) => q !== city)) {
      const box = labelBox(p.text, p.x, p.y, p.size);
      expect(305 > box.left && 305 < box.right && 300 > box.top && 300 < box.bottom).toBe(false);
    }
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
  ])('%s', (_case, y, labelFrame, size) => {
    const placed = placeLabels([label('Hương Khê', 300, 300), label('Vũ Quang', 300, y)], labelFrame);
    expect(placed[1]?.size).toBe(size);
  });

  it('never shrinks below the smallest legible size: without room there, the label goes beside its unit', () => {
    const [first, second] = placeLabels([label('Hương Khê', 300, 300), label('Vũ Quang', 300, 319)], { ...frame, minSize: 16 });
    expect(second.size).toBe(16);
    expect(second.leader).toMatchObject({ x1: 300, y1: 319 });
    const [a, b] = [labelBox(first.text, first.x, first.y, first.size), labelBox(second.text, second.x, second.y, second.size)];
    expect(a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom).toBe(false);
  });

  it('calls out a unit too small for its label: beside it, a leader from its anchor to the label, its anchor kept free', () => {
    const small = { ...label('TP Hà Tĩnh', 500, 300), callout: true };
    const placed = placeLabels([label('Thạch Hà', 505, 310), small], { ...frame, minSize: 16 });
    const [big, city] = [placed.find((p) => p.code === 'Thạch Hà')!, placed.find((p) => p.code === 'TP Hà Tĩnh')!];
    const bigBox = labelBox(big.text, big.x, big.y, big.size);
    expect(500 > bigBox.left && 500 < bigBox.right && 300 > bigBox.top && 300 < bigBox.bottom).toBe(false);
    expect(city.leader).toMatchObject({ x1: 500, y1: 300 });
    const cityBox = labelBox(city.text, city.x, city.y, city.size);
    expect(city.leader!.x2).toBeGreaterThanOrEqual(cityBox.left);
    expect(city.leader!.x2).toBeLessThanOrEqual(cityBox.right);
    expect(city.size).toBeGreaterThanOrEqual(16);
  });

  it('keeps a label inside its unit: a nudge that would take its centre off the unit is not taken', () => {
    const unit = { ...label('Hồng Lĩnh', 300, 300), inside: (x: number, y: number) => Math.hypot(x - 300, y - 300) < 3 };
    const [first, second] = placeLabels([label('Can Lộc', 300, 282), unit], frame);
    expect(first.code).toBe('Can Lộc');
    expect(second.leader).not.toBeNull();
  });

  it('slides a label at the edge back inside the map', () => {
    const [placed] = placeLabels([label('Nghi Xuân', 5, 3)], frame);
    const box = labelBox(placed.text, placed.x, placed.y, placed.size);
    expect(box.left).toBeGreaterThanOrEqual(0);
    expect(box.top).toBeGreaterThanOrEqual(0);
  });

  it('no two placed labels overlap, even in a crowd too big for the map', () => {
    // 200 labels need about 310,000 px² with their margins; the map has 240,000.
    const small = { ...frame, width: 600, height: 400 };
    const crowd = Array.from({ length: 200 }, (_, i) => label(`Xã ${i}`, (i * 37) % 600, (i * 53) % 400, 16));
    const placed = placeLabels(crowd, small);
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
