from django.db import models


class PendingTask(models.Model):
    """A task that could not be handed to the broker (Redis down) and waits to be sent.

    Pages keep working while the broker is away; `outbox_flush` sends these, oldest
    first, once it is back, and deletes each row as its message is accepted.
    """

    task_name = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    options = models.JSONField(
        default=dict, blank=True, help_text="Sending options kept with the task (its id)."
    )
    error = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["created", "pk"]

    def __str__(self):
        return f"{self.task_name} queued {self.created:%Y-%m-%d %H:%M}"
