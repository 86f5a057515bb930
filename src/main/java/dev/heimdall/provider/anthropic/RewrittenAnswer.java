package dev.heimdall.provider.anthropic;

import dev.heimdall.exchange.Usage;
import dev.heimdall.provider.AnswerTranslation;

/** What every translated answer reports: the usage and model it read, the events it saw; it rewrites the bytes. */
abstract class RewrittenAnswer implements AnswerTranslation {

    protected Usage usage = Usage.NONE;
    protected String model;
    protected int events;

    @Override
    public boolean rewrites() {
        return true;
    }

    @Override
    public Usage usage() {
        return usage;
    }

    @Override
    public String model() {
        return model;
    }

    @Override
    public int events() {
        return events;
    }
}
