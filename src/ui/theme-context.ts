import { createContext, useContext } from 'react';
import { loadTheme, type Theme } from './theme.js';

export const ThemeContext = createContext<Theme>(loadTheme('dark', {}));

export function useTheme(): Theme {
  return useContext(ThemeContext);
}
