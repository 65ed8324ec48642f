"""The content-addressed store both golden wings stand on.

``store`` (INDEX, records, blobs, manifests, the one writer lock, crash
recovery, pruning, verification), ``blob`` (how one array is kept), ``output``
(the recorder-output format: one atomic writer, one checking reader),
``variants`` (platform ids, the reference recording and the variants kept only
where they differ, the platform a machine is compared with).
"""
