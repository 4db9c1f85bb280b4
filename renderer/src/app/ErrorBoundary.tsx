import { Component, type ErrorInfo, type ReactNode } from 'react';

/** Keeps one broken screen from blanking the whole app; the navigation still works. */
export class ErrorBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo) {
    console.error('screen failed', error, info.componentStack);
  }

  override render() {
    if (this.state.error) {
      return (
        <div className="page">
          <div className="alert alert--error" role="alert">
            <div>
              <strong>This screen failed to show.</strong> {this.state.error.message}
              <div>
                <button type="button" className="link-button" onClick={() => this.setState({ error: null })}>
                  Try again
                </button>
              </div>
            </div>
          </div>
        </div>
      );
    }
    return this.props.children;
  }
}
