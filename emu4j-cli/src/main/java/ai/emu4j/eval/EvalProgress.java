package ai.emu4j.eval;

/** Where the evaluation reports progress: one ticker per task, stepped once per item. */
@FunctionalInterface
public interface EvalProgress {
    Ticker start(String task, int items);

    interface Ticker extends AutoCloseable {
        void step();

        @Override
        void close();
    }

    EvalProgress NONE = (task, items) -> new Ticker() {
        @Override
        public void step() {}

        @Override
        public void close() {}
    };
}
