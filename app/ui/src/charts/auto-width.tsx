// Renders a chart at its container's width (measured with ResizeObserver), so text in the SVG
// keeps its size instead of being scaled with the drawing.
import { useLayoutEffect, useRef, useState, type ReactNode } from 'react';

export function AutoWidth({ fallback = 600, min = 280, max = 1000, children }: { fallback?: number; min?: number; max?: number; children: (width: number) => ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(fallback);
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    const measure = () => {
      const w = Math.floor(element.getBoundingClientRect().width);
      if (w > 0) setWidth(Math.min(max, Math.max(min, w)));
    };
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, [min, max]);
  return (
    <div ref={ref} className="sr-chart-scroll">
      {children(width)}
    </div>
  );
}
