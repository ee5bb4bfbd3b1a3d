import { render, screen } from '@testing-library/react';
import { expect, it } from 'vitest';
import { App } from '../src/app.tsx';

it('renders the app in Chinese', async () => {
  render(<App />);
  expect(await screen.findByText('青苗')).toBeTruthy();
});
