// The Backend (API object + connection) for the components below <App>, set once in main.tsx.
import { createContext, useContext } from 'react';
import type { Backend } from './api/backend';

export const BackendContext = createContext<Backend | null>(null);

export function useBackend(): Backend {
  const backend = useContext(BackendContext);
  if (!backend) throw new Error('useBackend outside <BackendContext.Provider>');
  return backend;
}
