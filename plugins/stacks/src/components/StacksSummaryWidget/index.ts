export {
  StacksSummaryWidgetActions,
  StacksSummaryWidgetContent,
} from './StacksSummaryWidget';
