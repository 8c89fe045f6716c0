package org.backupscheduler.verify;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.catalog.BackupStatus;
import org.backupscheduler.catalog.BackupType;
import org.backupscheduler.catalog.Backups;

/** A backup and the parents it needs, full first: what must be prepared together to restore it. */
public final class Chain {
    private static final Set<BackupStatus> USABLE_PARENT = EnumSet.of(BackupStatus.VERIFIED, BackupStatus.COMPLETED);

    private Chain() {
    }

    /** Throws IllegalStateException naming the broken link. */
    public static List<BackupRecord> of(Backups backups, BackupRecord backup) {
        List<BackupRecord> chain = new ArrayList<>();
        chain.add(backup);
        BackupRecord current = backup;
        while (current.type() == BackupType.INCREMENTAL) {
            String parentId = current.parentId();
            if (parentId == null) {
                throw new IllegalStateException("incremental " + current.id() + " has no parent recorded");
            }
            BackupRecord parent = backups.find(current.instance(), parentId).orElseThrow(() ->
                    new IllegalStateException("the chain is broken: parent " + parentId + " is not in the catalog"));
            if (!USABLE_PARENT.contains(parent.status())) {
                // The parent's own reason is not copied in: down a chain it would nest once per link.
                throw new IllegalStateException("the chain is broken: parent " + parentId + " is " + parent.status()
                        + " ('backup show " + parentId + "' says why)");
            }
            chain.add(parent);
            current = parent;
        }
        Collections.reverse(chain);
        return chain;
    }
}
