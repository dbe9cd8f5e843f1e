// Toast messages (Polaris Toast inside the Frame): `useToast()(message, { error })`.
import { Toast } from '@shopify/polaris';
import { createContext, useCallback, useContext, useState, type ReactNode } from 'react';

type ShowToast = (message: string, options?: { error?: boolean }) => void;

const ToastContext = createContext<ShowToast>(() => undefined);

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toast, setToast] = useState<{ message: string; error: boolean; id: number } | null>(null);
  const show = useCallback<ShowToast>((message, options) => setToast({ message, error: options?.error ?? false, id: Date.now() }), []);
  return (
    <ToastContext.Provider value={show}>
      {children}
      {toast ? <Toast key={toast.id} content={toast.message} error={toast.error} onDismiss={() => setToast(null)} duration={5000} /> : null}
    </ToastContext.Provider>
  );
}

export function useToast(): ShowToast {
  return useContext(ToastContext);
}
