package org.backupscheduler.schedule;

import java.util.Objects;

import org.quartz.CronTrigger;
import org.quartz.SimpleTrigger;
import org.quartz.Trigger;

/**
 * Whether a trigger built from today's config fires as the one the cluster already stores: then
 * the stored one stays, with its state and next fire, instead of being replaced (see
 * {@code Daemon.storeJobs}).
 */
final class TriggerChange {
    private TriggerChange() {
    }

    static boolean sameFires(Trigger stored, Trigger wanted) {
        if (!stored.getJobKey().equals(wanted.getJobKey())
                || stored.getMisfireInstruction() != wanted.getMisfireInstruction()) {
            return false;
        }
        if (stored instanceof CronTrigger s && wanted instanceof CronTrigger w) {
            return Objects.equals(s.getCronExpression(), w.getCronExpression())
                    && s.getTimeZone().getID().equals(w.getTimeZone().getID());
        }
        if (stored instanceof SimpleTrigger s && wanted instanceof SimpleTrigger w) {
            return s.getRepeatInterval() == w.getRepeatInterval() && s.getRepeatCount() == w.getRepeatCount();
        }
        return false;
    }
}
